/**
 * How many bytes the Kafka client handles in one go on the event loop. It decodes a whole fetch response, and
 * encodes a whole produce request (records, CRC, the socket write), in one synchronous step: the larger the
 * response or request, the longer every timer, heartbeat and reply from a worker thread waits behind it. Its
 * defaults (50 MB fetches) turned a backlog into single blocks of several hundred milliseconds.
 *
 * Halving both bounds (fetches from 1 MB, sends from 512 KB) brought the event loop's p99 under full load below
 * 20 ms (bench/README.md). The broker still returns a record batch larger than the fetch bound whole, and a
 * send always takes at least one record, so a large record is never stuck.
 */

/** A fetch response: about 1,400 records of the benchmark's size, a block of a few milliseconds. */
export const FETCH_MAX_BYTES = 524_288;
/** A partition's share of a fetch response. */
export const FETCH_MAX_BYTES_PER_PARTITION = 131_072;
/** A produce request: several hundred anonymised records; well under the broker's default 1 MB limit. */
export const SEND_MAX_BYTES = 256 * 1024;
