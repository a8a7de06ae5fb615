import { describe, expect, it } from "vitest";
import { gazetteerLoaded } from "../../anonymise/text/person-names.ts";
import { buildPatientProcessing, warm } from "../../app/wiring/patient-processing.ts";
import { keyringText } from "../anonymise/helpers.ts";

describe("patient processing wiring", () => {
  it("building the topology (as the main thread does, to describe it) loads no word lists; warm, in a worker, does", () => {
    // This file runs in a fresh module graph: nothing before it has scrubbed a note here.
    const topology = buildPatientProcessing(
      {
        rawTopic: "raw",
        anonymisedTopic: "anonymised",
        keyringJson: keyringText,
        strategy: "pseudonymisation",
        tokenCacheSize: 16,
        schemaRegistryUrl: "http://127.0.0.1:9/never-contacted",
        registryTimeoutMs: 1_000,
        outputSchemaId: 2,
        maxRecordBytes: 1_048_576,
      },
      () => undefined,
    );
    expect(topology.describe()).toContain("raw");
    expect(gazetteerLoaded()).toBe(false);
    warm();
    expect(gazetteerLoaded()).toBe(true);
  });
});
