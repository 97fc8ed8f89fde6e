/**
 * Personal data shown on the public lookup is masked (docs/domain.md §12, "Status lookup").
 * Each word keeps its first letter so the applicant recognises their dossier; the mask
 * has a fixed width so word lengths give nothing away to a stranger holding the code.
 */
export function maskPersonName(fullName: string): string {
  return fullName
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((word) => {
      return `${Array.from(word)[0]}***`;
    })
    .join(' ');
}
