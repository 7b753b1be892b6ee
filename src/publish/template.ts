/**
 * Target path templates: the path half of `to: dest:/Reports/{publication}/{document}.{ext}`.
 *
 * Tokens: {publication} {document} {id} {cuid} {report} (empty for a whole document) {format}
 * {ext}, {date} and the other date tokens of dates.ts with an optional format
 * (`{date:yyyy-MM}`), {time} (default HH-mm-ss, or `{time:HHmm}`), and every prompt's name
 * (`{Region}`). Slashes come only from the template itself: each value is sanitised into a
 * single component, so a document called "../../etc" stays inside its folder.
 */
import { braceTokens, dateToken, formatCalendar, type CalendarTime } from './dates.js';
import { sanitizeComponent, sanitizeValue } from './sanitize.js';

/** The tokens every template may use, besides prompt names and date tokens. */
export const fixedTokens = [
  'publication',
  'document',
  'id',
  'cuid',
  'report',
  'format',
  'ext',
  'time',
] as const;

export interface TemplateValues {
  publication: string;
  document: string;
  id: number;
  cuid: string;
  report: string;
  format: string;
  ext: string;
  /** This delivery's answer to each prompt (one value: lists burst into deliveries). */
  prompts: Readonly<Record<string, string>>;
  now: CalendarTime;
}

/**
 * What is wrong with a template path, as messages (empty when it is fine); `promptNames` are the
 * prompts answered anywhere in the publication.
 */
export function templateProblems(template: string, promptNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!balanced(template)) {
    problems.push('has an unbalanced "{" or "}"');
    return problems;
  }

  for (const component of template.split('/').slice(1)) {
    if (component === '.' || component === '..') {
      problems.push(`must not contain a "${component}" component`);
    }
  }

  for (const token of braceTokens(template)) {
    if (!isKnownToken(token, promptNames)) {
      const prompts = [...promptNames].map((n) => `{${n}}`);
      const known = [...fixedTokens.map((n) => `{${n}}`), '{date}', '{date:FORMAT}', ...prompts];
      problems.push(`names unknown token "{${token}}" (known: ${known.join(', ')})`);
    }
  }
  return problems;
}

function balanced(template: string): boolean {
  let open = false;
  for (const c of template) {
    if (c === '{') {
      if (open) return false;
      open = true;
    } else if (c === '}') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

function isKnownToken(token: string, promptNames: ReadonlySet<string>): boolean {
  const name = token.split(':')[0]!;
  if (promptNames.has(token)) return true;
  if (name === 'time') return true;
  if ((fixedTokens as readonly string[]).includes(token)) return true;
  return (
    dateToken(token, { year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 }) !== undefined
  );
}

/** Renders a template path into a target path; throws TypeError for a token it does not know. */
export function renderPath(template: string, values: TemplateValues): string {
  const components = template
    .split('/')
    .slice(1)
    .map((component) =>
      sanitizeComponent(
        component.replace(/\{([^{}]*)\}/g, (_, token: string) => value(token, values)),
      ),
    )
    .filter((component) => component !== '');
  return `/${components.join('/')}`;
}

function value(token: string, values: TemplateValues): string {
  if (Object.hasOwn(values.prompts, token)) return sanitizeValue(values.prompts[token]!);

  const [name, format] = splitFormat(token);
  switch (name) {
    case 'publication':
    case 'document':
    case 'cuid':
    case 'report':
    case 'format':
    case 'ext':
      if (format === undefined) return sanitizeValue(values[name]);
      break;
    case 'id':
      if (format === undefined) return String(values.id);
      break;
    case 'time':
      return sanitizeValue(formatCalendar(values.now, format ?? 'HH-mm-ss'));
  }

  const date = dateToken(token, values.now);
  if (date !== undefined) return sanitizeValue(date);
  // A prompt named in the template but not answered for this document renders empty.
  if (format === undefined && /^[^:]+$/.test(token) && !isFixed(token)) return '';
  throw new TypeError(`unknown template token {${token}}`);
}

function isFixed(token: string): boolean {
  return (fixedTokens as readonly string[]).includes(token);
}

function splitFormat(token: string): [string, string | undefined] {
  const colon = token.indexOf(':');
  return colon < 0 ? [token, undefined] : [token.slice(0, colon), token.slice(colon + 1)];
}
