import { KeyObject, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AnonymisationError, parseKeyring } from "../../anonymise/index.ts";

const k32 = randomBytes(32).toString("base64");

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AnonymisationError ? e.code : "not-an-anonymisation-error";
  }
  return undefined;
}

describe("parseKeyring", () => {
  it("accepts a valid keyring and wraps keys as KeyObjects once", () => {
    const k = parseKeyring(
      JSON.stringify({ active: "k2", keys: { k1: k32, k2: randomBytes(48).toString("base64") } }),
    );
    expect(k.activeKeyId).toBe("k2");
    expect(k.activeKey).toBeInstanceOf(KeyObject);
    expect(k.keyIds).toEqual(["k1", "k2"]);
    expect(k.key("k1")).toBeInstanceOf(KeyObject);
  });

  it.each([
    ["not JSON", "{nope"],
    ["no active", JSON.stringify({ keys: { k1: k32 } })],
    ["active not in keys", JSON.stringify({ active: "k9", keys: { k1: k32 } })],
    ["short key", JSON.stringify({ active: "k1", keys: { k1: randomBytes(16).toString("base64") } })],
    ["not base64", JSON.stringify({ active: "k1", keys: { k1: "%%%not-base64%%%" } })],
    ["key id with a dash", JSON.stringify({ active: "k-1", keys: { "k-1": k32 } })],
    ["keys not an object", JSON.stringify({ active: "k1", keys: [k32] })],
  ])("refuses %s with ANON_KEYRING_INVALID", (_label, text) => {
    expect(codeOf(() => parseKeyring(text))).toBe("ANON_KEYRING_INVALID");
  });

  it("never echoes key material in errors, nor when serialised", () => {
    const secret = randomBytes(16).toString("base64");
    let message = "";
    try {
      parseKeyring(JSON.stringify({ active: "k1", keys: { k1: secret } }));
    } catch (e) {
      message = String((e as Error).message);
    }
    expect(message).toContain("k1");
    expect(message).not.toContain(secret);
    const broken = `{"active":"k1","keys":{"k1":"${k32}"`;
    expect(() => parseKeyring(broken)).toThrow(/not valid JSON/);
    try {
      parseKeyring(broken);
    } catch (e) {
      expect((e as Error).message).not.toContain(k32);
    }
    const ok = parseKeyring(JSON.stringify({ active: "k1", keys: { k1: k32 } }));
    expect(JSON.stringify(ok)).not.toContain(k32);
    expect(JSON.stringify(ok)).toContain("k1");
  });
});
