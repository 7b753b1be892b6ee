/**
 * Variables. A scope holds a workflow's variables; an included workflow gets a child scope whose
 * writes to a variable it inherited reach the parent (the original shares those variable
 * objects), while variables it declares or captures first stay its own.
 */

/** `${id}` where id holds no `$`, `{` or `}`: the innermost reference, so nested ones resolve first. */
const REFERENCE = /\$\{([^${}]+)\}/g;

export class Scope {
  private readonly own = new Map<string, string>();

  constructor(private readonly parent?: Scope) {}

  /** The value of `id` here or in an enclosing scope. */
  get(id: string): string | undefined {
    return this.own.get(id) ?? this.parent?.get(id);
  }

  /** The value of `id` in this scope alone. */
  getOwn(id: string): string | undefined {
    return this.own.get(id);
  }

  has(id: string): boolean {
    return this.own.has(id) || (this.parent?.has(id) ?? false);
  }

  /** Declares `id` in this scope, shadowing any inherited value. */
  define(id: string, value: string): void {
    this.own.set(id, value);
  }

  /** Updates `id` where it lives, or defines it here when it lives nowhere. */
  set(id: string, value: string): void {
    if (!this.own.has(id) && this.parent?.has(id)) this.parent.set(id, value);
    else this.own.set(id, value);
  }

  /** Removes `id` from this scope only. */
  delete(id: string): void {
    this.own.delete(id);
  }

  /** A flat copy of every visible variable, nearest scope winning. */
  snapshot(): Map<string, string> {
    const out = new Map(this.parent?.snapshot());
    for (const [id, value] of this.own) out.set(id, value);
    return out;
  }

  /** A detached scope holding a copy of every visible variable (`fork="true"`). */
  copy(): Scope {
    const scope = new Scope();
    for (const [id, value] of this.snapshot()) scope.define(id, value);
    return scope;
  }
}

/** Anything that can answer `${id}`: a scope, or a scope plus response-only variables. */
export type Lookup = (id: string) => string | undefined;

/** Response-only variables first (`header:…`, `meta:…`), then the scope. */
export function layered(extra: ReadonlyMap<string, string>, scope: Scope): Lookup {
  return (id) => extra.get(id) ?? scope.get(id);
}

/**
 * Replaces every `${id}` that `lookup` knows; an unknown one is left as written, as Azot does.
 * One pass only: a value that itself contains `${x}` is not expanded again.
 */
export function substitute(text: string, lookup: Lookup): string {
  return text.replace(REFERENCE, (whole, id: string) => lookup(id) ?? whole);
}

/** The ids of the `${…}` references left in `text`, skipping Azot's own expressions. */
export function unresolved(text: string): string[] {
  return [...text.matchAll(REFERENCE)]
    .map((match) => match[1] ?? '')
    .filter((id) => !/^(xpath-expr|xpath-eval|azot-replace):/.test(id));
}
