/** gender-detection-from-name ships no types for its name maps: lower-case given name → "male" | "female". */
declare module "gender-detection-from-name/names/en.js" {
  const names: Map<string, string>;
  export default names;
}
