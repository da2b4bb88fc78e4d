/**
 * A private Sigstore instance on loopback for tests, benchmarks and {@code sigwatch demo}: the real read protocols and
 * formats of Rekor v1, Rekor v2 (C2SP tlog-tiles), RFC 6962 CT and static-ct-api, with generated keys, a Fulcio-like
 * CA, a trusted root and a signing config.
 *
 * <pre>
 *  SigstoreSimulator ─┬─ SimHttpServer (JDK HttpServer, keep-alive, FaultInjector in front of every route)
 *                     │     /rekor/api/v1/*   RekorV1Routes → RekorV1Log (frozen shards + active shard)
 *                     │     /rekor2/api/v2/*  RekorV2Routes → RekorV2Log (tiles, Ed25519, witness)
 *                     │     /ct/ct/v1/*       CtRoutes → CtLog (RFC 6962)
 *                     │     /static-ct/*      CtRoutes → CtLog (tiled: checkpoint, tile/, tile/data/, issuer/)
 *                     ├─ SimCa (+ lookalike) ── precerts → both CtLogs → SCT list in the final certificate
 *                     ├─ EntryPool: body templates of every kind; bulk entries vary only the digest
 *                     └─ IncidentDispatcher: Incident × LogTarget → what the logs publish and serve
 * </pre>
 *
 * Everything is in memory: about 400 bytes per Rekor entry (v1 and v2 together), so half a million entries fit in a
 * few hundred MB. Trees are core's {@link dev.sigwatch.core.merkle.MerkleTree}; tiles, CT structures and note key
 * IDs come from core as well.
 */
package dev.sigwatch.simulator;
