/**
 * Two places where citeproc-js (2.4) compiles a style far more slowly than it needs to, mended from outside.
 * Both change how a style is compiled, never what it renders: `tests/citeproc-patches.test.ts` builds the
 * same style with and without them and compares sort keys, bibliography and citations. (Checked once
 * more widely: all 2,858 independent styles of the CSL styles repository, 22 varied sources, same output.)
 */

/** The parts of citeproc's parsed style that the patches read. */
interface StyleTree {
  name?: string;
  attrs?: Record<string, string>;
  children?: (StyleTree | string)[];
}
type GetNodesByName = (this: unknown, tree: StyleTree, name: string, nameValue?: string, found?: StyleTree[]) => StyleTree[];

/** A compiled instruction; `execs` run in order when the style is applied to a source. */
interface Token {
  strings: Record<string, unknown>;
  execs: ((this: Token, state: EngineState, item: unknown, citationItem: unknown) => unknown)[];
  cslid?: unknown;
  juris?: string;
  postponed_macro: string;
}
type TokenList = Token[];

/** What of the engine's state compiling a macro reads and writes. */
interface EngineState {
  build: { extension: string; root: string; macro_stack: string[]; current_default_locale: string };
  opt: { update_mode: unknown };
  tmp: Record<string, unknown>;
  cslXml: {
    dataObj: StyleTree;
    getNodesByName(tree: StyleTree, name: string, nameValue?: string): StyleTree[];
    getAttributeValue(node: StyleTree, name: string): unknown;
    getNodeValue(nodes: StyleTree[]): unknown;
  };
  configureTokenList(tokens: TokenList): void;
  [area: string]: unknown;
}

/** citeproc's namespace object, as far as the patches touch it. */
export interface CiteprocInternals {
  XmlJSON: { prototype: { getNodesByName: GetNodesByName } };
  Token: new (name: string, type: number) => Token;
  START: number;
  END: number;
  SINGLETON: number;
  POSITION: unknown;
  MODULE_MACROS: Record<string, boolean>;
  Node: { group: { build(this: Token, state: EngineState, target: TokenList, real: boolean): void } };
  expandMacro(this: EngineState, macroCall: Token, target: TokenList): void;
  buildMacro(this: EngineState, target: TokenList, nodes: StyleTree[]): void;
  tokenExec(this: EngineState, token: Token, item: unknown, citationItem: unknown): number;
  error(message: string): never;
}

const installed = new WeakSet<object>();

export function patchCiteproc(csl: CiteprocInternals): void {
  if (installed.has(csl)) return;
  installed.add(csl);
  indexMacroLookups(csl);
  compileSortMacrosOnce(csl);
}

/**
 * citeproc finds a macro by walking the whole style tree, once for every macro call it compiles: about 0.7 s
 * of an engine's build for Chicago notes. The macros of a style are found once and kept by name (the nodes
 * themselves, so what citeproc writes on them is seen); every other lookup is citeproc's.
 */
function indexMacroLookups(csl: CiteprocInternals): void {
  const prototype = csl.XmlJSON.prototype;
  const walk = prototype.getNodesByName;
  const macrosByTree = new WeakMap<StyleTree, Map<string, StyleTree[]>>();
  prototype.getNodesByName = function (tree, name, nameValue, found) {
    if (name !== 'macro' || !nameValue || found || !tree || tree.name !== 'style') return walk.call(this, tree, name, nameValue, found);
    let macros = macrosByTree.get(tree);
    if (!macros) {
      macros = new Map();
      for (const macro of walk.call(this, tree, 'macro')) {
        const key = macro.attrs?.name ?? '';
        macros.set(key, [...(macros.get(key) ?? []), macro]);
      }
      macrosByTree.set(tree, macros);
    }
    return [...(macros.get(nameValue) ?? [])];
  };
}

/**
 * In the layout of a citation or bibliography entry citeproc compiles each macro once and calls it; in a sort
 * key it copies the macro in place, and every macro that one calls, at every call. Chicago's bibliography is
 * sorted by macros that are most of the style, so its sort keys were ~0.45 s of a 0.55 s engine build and
 * over 100 MB of tokens. Here a sort key's macro is compiled once per sort (in sort mode, as before: the
 * compiler's sort-specific choices still apply) into a list of its own, and called like a layout macro.
 * The rest is citeproc's `expandMacro`, kept line for line.
 */
function compileSortMacrosOnce(csl: CiteprocInternals): void {
  const expand = csl.expandMacro;
  const compiled = new WeakMap<EngineState, Map<string, TokenList>>();
  csl.expandMacro = function (macroCall, target) {
    if (!this.build.extension) return expand.call(this, macroCall, target);
    let key = macroCall.postponed_macro;
    const sortDirection = macroCall.strings.sort_direction;
    const open = new csl.Token('group', csl.START);
    const nodes = this.cslXml.getNodesByName(this.cslXml.dataObj, 'macro', key);
    let hasDate: unknown = false;
    const first = nodes[0];
    if (first) {
      open.cslid = this.cslXml.getAttributeValue(first, 'cslid');
      hasDate = this.cslXml.getAttributeValue(first, 'macro-has-date');
    }
    if (hasDate) {
      key = `${key}@${this.build.current_default_locale}`;
      open.execs.push((state) => {
        if (state.tmp.extension) state.tmp['doing-macro-with-date'] = true;
      });
    }
    if (this.build.macro_stack.includes(key)) csl.error(`CSL processor error: call to macro "${key}" would cause an infinite loop`);
    this.build.macro_stack.push(key);
    if (csl.MODULE_MACROS[key]) {
      open.juris = key;
      this.opt.update_mode = csl.POSITION;
    }
    csl.Node.group.build.call(open, this, target, true);
    if (!this.cslXml.getNodeValue(nodes)) csl.error(`CSL style error: undefined macro "${key}"`);

    let lists = compiled.get(this);
    if (!lists) compiled.set(this, (lists = new Map()));
    const area = this.build.root + this.build.extension;
    const listKey = `${area}\0${key}`;
    let tokens = lists.get(listKey);
    if (!tokens) {
      const list: TokenList = [];
      // Compilers of some nodes push to the area's list rather than the target they are given.
      const areaState = this[area] as { tokens: TokenList };
      const areaTokens = areaState.tokens;
      areaState.tokens = list;
      try {
        csl.buildMacro.call(this, list, nodes);
      } finally {
        areaState.tokens = areaTokens;
      }
      this.configureTokenList(list);
      lists.set(listKey, list);
      tokens = list;
    }
    const macroTokens = tokens;
    const call = new csl.Token('text', csl.SINGLETON);
    call.execs.push((state, item, citationItem) => {
      let next = 0;
      while (next < macroTokens.length) next = csl.tokenExec.call(state, macroTokens[next] as Token, item, citationItem);
    });
    target.push(call);

    const close = new csl.Token('group', csl.END);
    close.strings.sort_direction = sortDirection;
    if (hasDate) {
      close.execs.push((state) => {
        if (state.tmp.extension) state.tmp['doing-macro-with-date'] = false;
      });
    }
    if (open.juris) close.juris = key;
    csl.Node.group.build.call(close, this, target, true);
    this.build.macro_stack.pop();
  };
}
