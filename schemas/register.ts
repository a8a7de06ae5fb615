import { loadAllSchemas } from "./load.ts";
import { RegistryClient } from "./registry-client.ts";
import { valueSubject } from "./subjects.ts";

export interface Registration {
  subject: string;
  id: number;
}

/**
 * Registers the input and output contracts (idempotent: the same schema gets the same id). The registry refuses
 * an incompatible change under its compatibility rule, and that refusal stops the command.
 */
export async function registerSchemas(options: {
  registryUrl: string;
  rawTopic: string;
  anonymisedTopic: string;
}): Promise<Registration[]> {
  const registry = new RegistryClient(options.registryUrl);
  const schemas = loadAllSchemas();
  const plan = [
    { subject: valueSubject(options.rawTopic), schema: schemas.patientRecord },
    { subject: valueSubject(options.anonymisedTopic), schema: schemas.anonymisedPatientRecord },
  ];
  const out: Registration[] = [];
  for (const { subject, schema } of plan) out.push({ subject, id: await registry.register(subject, schema) });
  return out;
}
