/**
 * The schema of `bidrop.yaml`. Every key is declared here once, with its default and, for
 * secrets, a mark (`secretPaths`) that the loader uses to register values for redaction.
 */
import { Cron } from 'croner';
import { z } from 'zod';

import { parseDuration } from './duration.js';

export const biAuthTypes = ['secEnterprise', 'secLDAP', 'secWinAD', 'secSAPR3'] as const;
export const exportFormats = ['pdf', 'xlsx', 'xls', 'csv'] as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const biSchema = z.strictObject({
  /** Base of the RESTful web services, e.g. http://bo.example.com:6405/biprws */
  url: httpUrl,
  username: nonEmpty,
  password: nonEmpty,
  auth: z.enum(biAuthTypes).default('secEnterprise'),
  /** Never more BI logon sessions than this at once (they are licensed). */
  sessions: z.number().int().min(1).max(64).default(4),
  /** How long to wait for a free session when the licence is exhausted by another client. */
  sessionWaitSeconds: z.number().positive().default(300),
  /** Upper bound for one export (refresh included). */
  exportTimeoutSeconds: z.number().positive().default(1800),
});

const endpointsSchema = z.strictObject({
  authorize: httpUrl.optional(),
  api: httpUrl.optional(),
  content: httpUrl.optional(),
});

export const dropboxDestinationSchema = z.strictObject({
  type: z.literal('dropbox'),
  appKey: nonEmpty,
  /** Optional: PKCE alone authorises; with a secret the token call also uses HTTP Basic. */
  appSecret: nonEmpty.optional(),
  /** Other endpoints, to point bidrop at the emulator. */
  endpoints: endpointsSchema.optional(),
  /** Upload session chunk size in MiB: a multiple of 4, at most 148 (api/dropbox.md §5.6). */
  chunkSizeMiB: z
    .number()
    .int()
    .min(4)
    .max(148)
    .refine((n) => n % 4 === 0, 'must be a multiple of 4')
    .optional(),
  /** Uploads at once to this destination. */
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const folderDestinationSchema = z.strictObject({
  type: z.literal('folder'),
  /** A local or mounted directory; relative paths start at the config file's folder. */
  path: nonEmpty,
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const destinationSchema = z.discriminatedUnion('type', [
  dropboxDestinationSchema,
  folderDestinationSchema,
]);

const promptValues = z.union([
  z.string(),
  z.number().transform(String),
  z
    .array(z.union([z.string(), z.number().transform(String)]))
    .min(1, 'a prompt list must not be empty'),
]);

const promptsSchema = z.record(nonEmpty, promptValues);

/** A duration such as "26h" or "2d", read into milliseconds (config/duration.ts). */
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is not a duration such as "90m", "26h" or "2d"' });
    return z.NEVER;
  }
  return ms;
});

/** Where a document's bytes come from (DESIGN.md, "Ways to get a document out"). */
export const exportOrigins = ['refresh', 'latest-instance', 'schedule'] as const;

/** The keys that choose and bound the way out, shared by publications and document entries. */
const originKeys = {
  from: z.enum(exportOrigins).optional(),
  /** latest-instance: refuse an instance older than this (milliseconds once parsed). */
  maxAge: duration.optional(),
  /** schedule: keep the instance the platform's run created. */
  keepInstance: z.boolean().optional(),
  /** schedule: cancel the platform's run after this long (milliseconds once parsed). */
  scheduleTimeout: duration.optional(),
};

export const documentEntrySchema = z
  .strictObject({
    id: z.number().int().positive().optional(),
    cuid: nonEmpty.optional(),
    path: nonEmpty.optional(),
    folder: nonEmpty.optional(),
    recursive: z.boolean().optional(),
    query: nonEmpty.optional(),
    formats: z.array(z.enum(exportFormats)).min(1).optional(),
    reports: z.union([z.literal('each'), z.array(nonEmpty).min(1)]).optional(),
    prompts: promptsSchema.optional(),
    ...originKeys,
  })
  .refine(
    (d) => [d.id, d.cuid, d.path, d.folder, d.query].filter((v) => v !== undefined).length === 1,
    'name a document with exactly one of id, cuid, path, folder or query',
  );

export const publicationSchema = z.strictObject({
  /** Cron expression (five or six fields), run by `bidrop serve`. */
  schedule: z
    .string()
    .refine((expr) => {
      try {
        new Cron(expr, { paused: true });
        return true;
      } catch {
        return false;
      }
    }, 'is not a cron expression that parses (e.g. "0 6 * * 1-5")')
    .optional(),
  timezone: z.string().optional(),
  documents: z.array(documentEntrySchema).min(1, 'list at least one document'),
  formats: z.array(z.enum(exportFormats)).min(1).default(['pdf']),
  reports: z.union([z.literal('each'), z.array(nonEmpty).min(1)]).optional(),
  prompts: promptsSchema.optional(),
  /** `destination:/path/template`, e.g. team-dropbox:/Reports/{publication}/{document}.{ext} */
  to: nonEmpty,
  whenUnchanged: z.enum(['skip', 'upload']).default('skip'),
  conflict: z.enum(['overwrite', 'add', 'fail']).default('overwrite'),
  sharedLink: z.boolean().default(false),
  /** Deliver nothing for a report that came back without data rows. */
  skipEmpty: z.boolean().default(false),
  ...originKeys,
});

export const configSchema = z.strictObject({
  bi: biSchema.optional(),
  /** State folder (history, tokens); BIDROP_HOME overrides it. */
  state: nonEmpty.optional(),
  destinations: z.record(nonEmpty, destinationSchema).default({}),
  publications: z.record(nonEmpty, publicationSchema).default({}),
});

export type BiConfig = z.infer<typeof biSchema>;
export type DropboxDestinationConfig = z.infer<typeof dropboxDestinationSchema>;
export type FolderDestinationConfig = z.infer<typeof folderDestinationSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type DocumentEntry = z.infer<typeof documentEntrySchema>;
export type PublicationConfig = z.infer<typeof publicationSchema>;
export type ConfigData = z.infer<typeof configSchema>;

/** Where secrets may sit in the file; their values are registered for redaction on load. */
export const secretPaths: ReadonlyArray<ReadonlyArray<string>> = [
  ['bi', 'password'],
  ['destinations', '*', 'appSecret'],
];
