declare module "*.module.css" { const classes: Record<string, string>; export default classes; }
declare module "*.css";
/** Build-time settings (Vite): the identity providers' issuers when they are not this API's development ones. */
interface ImportMetaEnv { readonly VITE_OFFICER_ISSUER?: string; readonly VITE_CITIZEN_ISSUER?: string }
interface ImportMeta { readonly env: ImportMetaEnv }
