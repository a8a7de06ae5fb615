import type { ConnectionOptions } from "@platformatic/kafka";
import { generateAuthToken } from "aws-msk-iam-sasl-signer-js";
import type { Config } from "../../ops/config.ts";

/** TLS and SASL for the Kafka clients. MSK IAM: OAUTHBEARER with a token signed by the task role's credentials. */
export function kafkaConnection(config: Config): ConnectionOptions {
  const tls = config.kafkaTls ? { tls: {} } : {};
  switch (config.kafkaSaslMechanism) {
    case "none":
      return tls;
    case "AWS_MSK_IAM":
      return {
        ...tls,
        sasl: {
          mechanism: "OAUTHBEARER",
          // Called at each (re)authentication; tokens last 15 minutes and are signed afresh each time.
          token: async () => (await generateAuthToken({ region: config.awsRegion })).token,
        },
      };
    default:
      return {
        ...tls,
        sasl: {
          mechanism: config.kafkaSaslMechanism,
          username: config.kafkaSaslUsername,
          password: config.kafkaSaslPassword ?? "",
        },
      };
  }
}

export function bootstrapBrokers(config: Config): string[] {
  return config.kafkaBootstrapServers.split(",").map((s) => s.trim());
}
