/** Versions of the local-process stack. One place, so the ADR, the README and the code agree. */
export const STACK_VERSIONS = Object.freeze({
  kafka: "4.2.0",
  scala: "2.13",
  log4j: "2.25.2",
  apicurio: "3.3.3",
  /** Pinned so that `mvn` resolves the same plugin on every machine. */
  mavenDependencyPlugin: "3.8.1",
});

/** Images used in containers mode (Testcontainers), matching the local-process versions where possible. */
export const STACK_IMAGES = Object.freeze({
  kafka: `apache/kafka:${STACK_VERSIONS.kafka}`,
  registry: `apicurio/apicurio-registry:${STACK_VERSIONS.apicurio}`,
  postgres: "postgres:16-alpine",
});
