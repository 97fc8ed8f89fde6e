/** The GSM 03.38 basic character set and extension table: what fits 7-bit SMS segments. */
const GSM7 = new Set(
  Array.from("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"),
);

export function isGsm7Text(text: string): boolean {
  return Array.from(text).every((c) => GSM7.has(c));
}
