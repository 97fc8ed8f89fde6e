/**
 * Personal data shown on the public lookup is masked (DOMAIN.md §12, "Status lookup").
 * Each word keeps its first letter so the applicant recognises their dossier,
 * while a stranger holding only the code cannot read the full name.
 */
export function maskPersonName(fullName: string): string {
  return fullName
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((word) => {
      const letters = Array.from(word);
      return letters[0] + '*'.repeat(Math.max(letters.length - 1, 1));
    })
    .join(' ');
}
