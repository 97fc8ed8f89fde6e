/**
 * The console's addresses (Vietnamese, as officers say them). Each area lives in its folder:
 * worklist/ (queues), intake/ (counter intake), dossier/ (the dossier's page), actions/ (the
 * dialogs of the dossier's actions), supervision/, admin/.
 */
export const PATHS = {
  worklist: '/ho-so',
  dossier: (code: string) => `/ho-so/${encodeURIComponent(code)}`,
  counterIntake: '/tiep-nhan',
  legs: '/lien-thong',
  leg: (id: number | string) => `/lien-thong/${encodeURIComponent(String(id))}`,
  supervision: '/giam-sat',
  calendars: '/quan-tri/lich-lam-viec',
  webhooks: '/quan-tri/webhook',
} as const;
