/**
 * File extensions for deliveries whose type bidrop does not choose (latest instance, a run on the
 * platform): the source says the real type, sniffed from the bytes, and the target's {ext} follows
 * it. The list matches the types the BI source can report (src/bi/sniff.ts); anything else is
 * delivered as `.bin` rather than under a misleading name.
 */
const byContentType: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-excel': 'xls',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/x-rpt': 'rpt',
  'application/octet-stream': 'bin',
};

/** The extension for a content type (parameters such as `; charset=` ignored). */
export function extensionOf(contentType: string): string {
  const bare = contentType.split(';')[0]!.trim().toLowerCase();
  return byContentType[bare] ?? 'bin';
}

/** Every extension `extensionOf` can give: a target with an unknown type may end in any. */
export const possibleExtensions: readonly string[] = [...new Set(Object.values(byContentType))];

/** What {ext} shows before the type is known (dry run, the planned target in history). */
export const pendingExtension = '{ext}';
