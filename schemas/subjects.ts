/** Registry subjects follow the Confluent TopicNameStrategy: `<topic>-value`. */
export const valueSubject = (topic: string) => `${topic}-value`;
