export {
  CLINICAL_DECOYS,
  createGenerator,
  type GeneratorOptions,
  generateRecords,
  type PatientRecordJson,
  type SyntheticPatient,
} from "./generator.ts";
export {
  syntheticGpPracticeCode,
  syntheticNhsNumber,
  syntheticNiNumber,
  syntheticPatientId,
  syntheticPhone,
  syntheticPostcode,
} from "./identifiers.ts";
export {
  dateSpellings,
  nameSpellings,
  nhsNumberSpellings,
  phoneSpellings,
  postcodeSpellings,
} from "./spellings.ts";
