/** Submission channel (kênh nộp): 1 = counter, 2 = online, 3 = postal in the national sync data. */
export type Channel = 'counter' | 'online' | 'postal';
/** How the applicant registered to receive the result (hình thức nhận kết quả). */
export type DeliveryMethod = 'online' | 'counter' | 'postal';
export type OfficerRole = 'one_stop_officer' | 'specialist' | 'leader' | 'supervisor' | 'admin';

/** Who acts on a dossier, with the roles they hold in the dossier's agency. */
export interface Actor {
  userId: number;
  username: string;
  fullName: string;
  roles: OfficerRole[];
}
