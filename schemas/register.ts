import { loadAllSchemas } from "./load.ts";
import { RegistryClient, type RegistryDeadlines } from "./registry-client.ts";
import { valueSubject } from "./subjects.ts";

export interface Registration {
  subject: string;
  id: number;
}

/**
 * Registers the input and output contracts (idempotent: the same schema gets the same id, so a registration whose
 * answer was lost is simply tried again). Only the registration itself is sent: the registry enforces its own
 * compatibility rule and refuses an incompatible change (SCHEMA_INCOMPATIBLE), which stops the command. Every
 * request has a deadline (RegistryDeadlines); the client's sockets are closed before returning.
 */
export async function registerSchemas(options: {
  registryUrl: string;
  rawTopic: string;
  anonymisedTopic: string;
  deadlines?: Partial<RegistryDeadlines>;
}): Promise<Registration[]> {
  const registry = new RegistryClient(
    options.registryUrl,
    options.deadlines ? { deadlines: options.deadlines } : {},
  );
  const schemas = loadAllSchemas();
  const plan = [
    { subject: valueSubject(options.rawTopic), schema: schemas.patientRecord },
    { subject: valueSubject(options.anonymisedTopic), schema: schemas.anonymisedPatientRecord },
  ];
  const out: Registration[] = [];
  try {
    for (const { subject, schema } of plan)
      out.push({ subject, id: await registry.register(subject, schema) });
  } finally {
    registry.close();
  }
  return out;
}
