/**
 * A small reader for the CMS query language, enough for the forms public clients send
 * (bi4-rest.md 6.2): `SELECT [TOP n] props|* FROM CI_INFOOBJECTS [WHERE cond] [ORDER BY prop]`,
 * where a condition compares a property with a quoted string, a number or a boolean (`=`, `!=`,
 * `<>`, `<`, `>`, `<=`, `>=`, `IN (...)`, `LIKE '...%'`) joined by AND, OR and parentheses.
 * Anything else is a syntax error.
 */
import { WireError } from './wire.js';

export type CmsValue = string | number | boolean;

/**
 * A stored property: a scalar, a date (formatted only when answered, so ORDER BY sorts by time,
 * not by the locale text), or a property bag such as `SI_FILES` (bi4-instances.md 1.3).
 */
export type CmsProp = CmsValue | Date | CmsBag;

/** A property bag: nested properties, read in conditions with a dotted name (`SI_FILES.SI_NUM_FILES`). */
export interface CmsBag {
  [key: string]: CmsProp;
}

/** A CMS object's properties; `SI_ANCESTOR` holds every folder above it, for subtree filters. */
export interface CmsObject {
  props: Record<string, CmsProp>;
  ancestors: number[];
}

type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'cmp'; prop: string; op: string; values: CmsValue[] };

export interface CmsQuery {
  top: number | undefined;
  props: string[] | '*';
  table: string;
  where: Condition | undefined;
  orderBy: { prop: string; descending: boolean } | undefined;
}

const TABLES = ['CI_INFOOBJECTS', 'CI_APPOBJECTS', 'CI_SYSTEMOBJECTS'];

function syntaxError(detail: string): WireError {
  return new WireError(400, 'WSR 00101', `The query is not valid: ${detail}.`);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern =
    /\s*(?:('(?:[^']|'')*')|(<>|!=|<=|>=|[=<>(),*])|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw syntaxError(`unexpected text at character ${index + 1}`);
    tokens.push((match[1] ?? match[2] ?? match[3] ?? match[4]) as string);
    index = pattern.lastIndex;
  }
  return tokens;
}

class Reader {
  private at = 0;
  constructor(private readonly tokens: string[]) {}

  peek(): string | undefined {
    return this.tokens[this.at];
  }

  isKeyword(word: string): boolean {
    return this.peek()?.toUpperCase() === word;
  }

  next(what: string): string {
    const token = this.tokens[this.at];
    if (token === undefined) throw syntaxError(`expected ${what} at the end`);
    this.at += 1;
    return token;
  }

  expect(word: string): void {
    const token = this.next(word);
    if (token.toUpperCase() !== word) throw syntaxError(`expected ${word}, found "${token}"`);
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }
}

function identifier(reader: Reader, what: string): string {
  const token = reader.next(what);
  if (!/^[A-Za-z_]/.test(token)) throw syntaxError(`expected ${what}, found "${token}"`);
  return token.toUpperCase();
}

function literal(reader: Reader): CmsValue {
  const token = reader.next('a value');
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d/.test(token)) return Number(token);
  if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
  throw syntaxError(`expected a value, found "${token}"`);
}

function comparison(reader: Reader): Condition {
  if (reader.peek() === '(') {
    reader.next('(');
    const inner = disjunction(reader);
    reader.expect(')');
    return inner;
  }
  const prop = identifier(reader, 'a property');
  const op = reader.next('an operator').toUpperCase();
  if (op === 'IN') {
    reader.expect('(');
    const values = [literal(reader)];
    while (reader.peek() === ',') {
      reader.next(',');
      values.push(literal(reader));
    }
    reader.expect(')');
    return { kind: 'cmp', prop, op, values };
  }
  if (!['=', '!=', '<>', '<', '>', '<=', '>=', 'LIKE'].includes(op)) {
    throw syntaxError(`unknown operator "${op}"`);
  }
  return { kind: 'cmp', prop, op, values: [literal(reader)] };
}

function conjunction(reader: Reader): Condition {
  let left = comparison(reader);
  while (reader.isKeyword('AND')) {
    reader.next('AND');
    left = { kind: 'and', left, right: comparison(reader) };
  }
  return left;
}

function disjunction(reader: Reader): Condition {
  let left = conjunction(reader);
  while (reader.isKeyword('OR')) {
    reader.next('OR');
    left = { kind: 'or', left, right: conjunction(reader) };
  }
  return left;
}

/** Parses a query, or throws `WSR 00101` (400) naming what is wrong. */
export function parseCmsQuery(text: string): CmsQuery {
  const reader = new Reader(tokenize(text));
  reader.expect('SELECT');

  let top: number | undefined;
  if (reader.isKeyword('TOP')) {
    reader.next('TOP');
    const n = literal(reader);
    if (typeof n !== 'number' || n < 0) throw syntaxError('TOP needs a count');
    top = n;
  }

  let props: string[] | '*';
  if (reader.peek() === '*') {
    reader.next('*');
    props = '*';
  } else {
    props = [identifier(reader, 'a property')];
    while (reader.peek() === ',') {
      reader.next(',');
      props.push(identifier(reader, 'a property'));
    }
  }

  reader.expect('FROM');
  const table = identifier(reader, 'a table');
  if (!TABLES.includes(table)) throw syntaxError(`unknown table "${table}"`);

  let where: Condition | undefined;
  if (reader.isKeyword('WHERE')) {
    reader.next('WHERE');
    where = disjunction(reader);
  }

  let orderBy: CmsQuery['orderBy'];
  if (reader.isKeyword('ORDER')) {
    reader.next('ORDER');
    reader.expect('BY');
    const prop = identifier(reader, 'a property');
    const descending = reader.isKeyword('DESC');
    if (descending || reader.isKeyword('ASC')) reader.next('direction');
    orderBy = { prop, descending };
  }

  if (!reader.done()) throw syntaxError(`unexpected "${reader.peek() ?? ''}"`);
  return { top, props, table, where, orderBy };
}

// CMS date literals are written `yyyy.MM.dd.HH.mm.ss` (any trailing part may be left out); ISO
// text is accepted too.
function literalDate(text: string): number {
  const cms = /^(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d{2})\.(\d{2})(?:\.(\d{2}))?)?$/.exec(text);
  if (!cms) return Date.parse(text);
  const [, y, mo, d, h, mi, se] = cms.map((part) => Number(part ?? 0));
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, se ?? 0);
}

function compare(stored: CmsProp | undefined, op: string, expected: CmsValue): boolean {
  if (stored instanceof Date) {
    const wanted = typeof expected === 'number' ? expected : literalDate(String(expected));
    return compare(stored.getTime(), op, Number.isNaN(wanted) ? String(expected) : wanted);
  }
  // A bag never equals a scalar.
  const actual = typeof stored === 'object' ? undefined : stored;
  if (actual === undefined) return op === '!=' || op === '<>';
  if (typeof actual === 'boolean') {
    const wanted = typeof expected === 'boolean' ? expected : expected === 1 || expected === 'true';
    return op === '=' ? actual === wanted : op === '!=' || op === '<>' ? actual !== wanted : false;
  }
  if (op === 'LIKE') {
    const pattern = String(expected)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.');
    return new RegExp(`^${pattern}$`, 'i').test(String(actual));
  }
  // Names compare without regard to case, as the CMS does for SI_NAME and SI_KIND.
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const b = typeof expected === 'string' ? expected.toLowerCase() : expected;
  const order = a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '=':
    case 'IN':
      return order === 0;
    case '!=':
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    default:
      return order >= 0;
  }
}

function matches(object: CmsObject, condition: Condition): boolean {
  if (condition.kind !== 'cmp') {
    const left = matches(object, condition.left);
    return condition.kind === 'and'
      ? left && matches(object, condition.right)
      : left || matches(object, condition.right);
  }
  if (condition.prop === 'SI_ANCESTOR') {
    return condition.values.some((v) => object.ancestors.includes(Number(v)));
  }
  const actual = lookup(object.props, condition.prop);
  return condition.values.some((v) => compare(actual, condition.op, v));
}

/** A property by name, or inside a bag by a dotted name such as `SI_SCHEDULEINFO.SI_ENDTIME`. */
function lookup(props: Record<string, CmsProp>, name: string): CmsProp | undefined {
  let value: CmsProp | undefined = props[name];
  if (value !== undefined || !name.includes('.')) return value;
  value = props;
  for (const part of name.split('.')) {
    value =
      value && typeof value === 'object' && !(value instanceof Date) ? value[part] : undefined;
  }
  return value;
}

function sortKey(value: CmsProp | undefined): string | number | boolean {
  if (value instanceof Date) return value.getTime();
  if (value === undefined || typeof value === 'object') return '';
  return value;
}

/**
 * Runs a parsed query over `objects`, returning the selected properties of the matches. Ties in
 * ORDER BY keep the order of `objects` (the sort is stable).
 */
export function runCmsQuery(query: CmsQuery, objects: CmsObject[]): Record<string, CmsProp>[] {
  const source = query.table === 'CI_INFOOBJECTS' ? objects : [];
  let found = source.filter((o) => query.where === undefined || matches(o, query.where));
  const order = query.orderBy;
  if (order) {
    found = [...found].sort((x, y) => {
      const a = sortKey(lookup(x.props, order.prop));
      const b = sortKey(lookup(y.props, order.prop));
      const result = a < b ? -1 : a > b ? 1 : 0;
      return order.descending ? -result : result;
    });
  }
  if (query.top !== undefined) found = found.slice(0, query.top);

  return found.map((o) => {
    if (query.props === '*') return { ...o.props };
    const picked: Record<string, CmsProp> = {};
    for (const prop of query.props) {
      const value = lookup(o.props, prop);
      if (value !== undefined) picked[prop] = value;
    }
    return picked;
  });
}
