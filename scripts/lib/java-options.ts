// EPUBCheck and the Nu checker each run one JVM for a few seconds. The JVM's defaults are made for servers that
// run for hours: the optimising compiler (C2) compiles the hot code a second time and the parallel collector
// starts a thread per core, processor time a short run never gets back. The quick compiler alone and the serial
// collector give the same report for half the processor time or less (EPUBCheck on the sample edition's EPUB:
// 15.5 s -> 7.3 s; the Nu checker on twelve pages: 8.3 s -> 3.5 s). The quick compiler's frames are larger: the
// schema validators recurse deeply, and at the default stack of 1 MB the Nu checker overflows on the sample
// edition's web page, so the stack is made larger (reserved, not used, until the recursion needs it).
export const SHORT_RUN_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss16m'];
