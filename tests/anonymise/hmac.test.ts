import { createHmac, createSecretKey } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256 } from "../../anonymise/hmac.ts";

const reference = (key: Buffer, input: string) =>
  createHmac("sha256", createSecretKey(key)).update(input).digest("binary");

describe("hmacSha256", () => {
  it("equals node's HMAC-SHA256 for any key length and any string, long or short (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.oneof(fc.string({ maxLength: 120, unit: "binary" }), fc.string({ minLength: 80, maxLength: 600 })),
        (keyBytes, input) => {
          const key = Buffer.from(keyBytes);
          const mac = hmacSha256(createSecretKey(key));
          expect(mac(input)).toBe(reference(key, input));
          // The scratch buffers are reused: a second, different call is unaffected by the first.
          expect(mac(`${input}x`)).toBe(reference(key, `${input}x`));
          expect(mac(input)).toBe(reference(key, input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("encodes a lone surrogate as node does (U+FFFD), also past the scratch buffer", () => {
    const key = Buffer.alloc(32, 3);
    const mac = hmacSha256(createSecretKey(key));
    for (const input of ["a\ud800b", "\udc00", `${"é".repeat(90)}\ud83d`])
      expect(mac(input)).toBe(reference(key, input));
  });

  it("gives RFC 4231's test case 2 ('Jefe')", () => {
    const mac = hmacSha256(createSecretKey(Buffer.from("Jefe")));
    expect(Buffer.from(mac("what do ya want for nothing?"), "latin1").toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("leaves the caller's key usable: the exported copy is wiped, not the key", () => {
    const key = createSecretKey(Buffer.alloc(32, 9));
    hmacSha256(key);
    expect(key.export().equals(Buffer.alloc(32, 9))).toBe(true);
  });
});
