/**
 * Ingest of C2SP tiled logs: Rekor v2 ({@link dev.sigwatch.ingest.tiles.RekorV2Source}, entry bundles under
 * {@code /api/v2/}) and static-ct-api CT logs ({@link dev.sigwatch.ingest.tiles.StaticCtSource}, data tiles).
 * <pre>
 * poll:  checkpoint ==> parse note ==> consistency proof from the last published one (TileProofs over hash tiles)
 * fetch: level-0 tile ==> inclusion of its first leaf in the newest root (authenticates every hash in it)
 *        ==> bundle / data tile (partial .p/W at the edge, full once grown; 404 on a partial falls back to full)
 *        ==> per entry: leaf hash == tile hash ? entry : DLQ (after one refetch of the bundle)
 * </pre>
 * Both are {@link dev.sigwatch.ingest.LogSource}s run by {@code IngestPoller}: one batch never
 * crosses a 256-entry tile, and batches start at the committed position, so no index is published twice.
 */
package dev.sigwatch.ingest.tiles;
