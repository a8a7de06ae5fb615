/**
 * Which stack a test run gets, and which images containers mode and compose use. A container engine on a shared
 * machine must not move other people's runs into containers: that mode is used only when STACK_MODE asks for it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_IMAGE_ENV } from "../../dev/containers/images.ts";
import { containerImages, PODMAN_SOCKET, useContainerEngineDefaults } from "../../dev/stack/containers.ts";
import { chooseMode } from "../../dev/stack/stack.ts";
import { STACK_IMAGES } from "../../dev/stack/versions.ts";
import { REPO_ROOT } from "./hcl.ts";

const endpoints = {
  KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9092",
  SCHEMA_REGISTRY_URL: "http://127.0.0.1:8081/apis/ccompat/v7",
  DATABASE_URL: "postgres://u:p@127.0.0.1:5432/d",
};

describe("stack mode selection", () => {
  it("is local processes by default, whether or not an engine answers (it is not probed)", async () => {
    expect(await chooseMode({ DOCKER_HOST: `unix://${PODMAN_SOCKET}` })).toBe("local");
    expect(await chooseMode({})).toBe("local");
  });

  it("is external when the three endpoints are set", async () => {
    expect(await chooseMode({ ...endpoints })).toBe("external");
    expect(await chooseMode({ ...endpoints, DATABASE_URL: " " })).toBe("local");
  });

  it("is containers only when STACK_MODE asks for it, and STACK_MODE wins over the endpoints", async () => {
    expect(await chooseMode({ STACK_MODE: "containers" })).toBe("containers");
    expect(await chooseMode({ ...endpoints, STACK_MODE: "local" })).toBe("local");
  });

  it("refuses an unknown STACK_MODE", async () => {
    await expect(chooseMode({ STACK_MODE: "docker" })).rejects.toMatchObject({
      code: "STACK_CONFIG_INVALID",
    });
  });
});

describe("containers mode on a podman engine", () => {
  it("fills in the Testcontainers settings for the podman socket, keeping any that are set", () => {
    const env: NodeJS.ProcessEnv = {
      DOCKER_HOST: `unix://${PODMAN_SOCKET}`,
      TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1",
    };
    useContainerEngineDefaults(env);
    expect(env["TESTCONTAINERS_RYUK_DISABLED"]).toBe("true");
    expect(env["TESTCONTAINERS_HOST_OVERRIDE"]).toBe("127.0.0.1");
  });

  it("leaves another engine's settings to Testcontainers' defaults", () => {
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: "tcp://127.0.0.1:2375" };
    useContainerEngineDefaults(env);
    expect(env).toEqual({ DOCKER_HOST: "tcp://127.0.0.1:2375" });
  });

  it("uses the official images unless KAFKA_IMAGE, REGISTRY_IMAGE or POSTGRES_IMAGE name others", () => {
    expect(containerImages({})).toEqual(STACK_IMAGES);
    expect(containerImages({ KAFKA_IMAGE: "localhost/k:1", POSTGRES_IMAGE: "" })).toEqual({
      ...STACK_IMAGES,
      kafka: "localhost/k:1",
    });
  });
});

describe("local images (npm run containers:setup)", () => {
  it("are localhost/ names selected by the variables the Dockerfile and compose file read", () => {
    expect(Object.keys(LOCAL_IMAGE_ENV).sort()).toEqual(
      ["BASE_IMAGE", "KAFKA_IMAGE", "POSTGRES_IMAGE", "PROMETHEUS_IMAGE", "REGISTRY_IMAGE"].sort(),
    );
    for (const image of Object.values(LOCAL_IMAGE_ENV)) expect(image).toMatch(/^localhost\//);
    const compose = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");
    const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=/m);
    for (const name of ["KAFKA_IMAGE", "REGISTRY_IMAGE", "POSTGRES_IMAGE", "PROMETHEUS_IMAGE"]) {
      expect(compose, name).toContain(`\${${name}:-`);
    }
  });
});
