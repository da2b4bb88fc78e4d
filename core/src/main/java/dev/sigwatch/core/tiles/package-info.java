/**
 * C2SP tlog-tiles (Rekor v2, static-ct-api): tile paths ({@link dev.sigwatch.core.tiles.TilePath}), hash
 * tiles and entry bundles, and roots, frontiers and proofs computed from the tiles a {@link
 * dev.sigwatch.core.tiles.TileFetcher} returns ({@link dev.sigwatch.core.tiles.TileProofs}); {@link
 * dev.sigwatch.core.tiles.TileWriter} produces the tiles of a {@link dev.sigwatch.core.merkle.MerkleTree}
 * for simulators and tests. Nothing here authenticates tiles: results are checked against signed roots.
 */
package dev.sigwatch.core.tiles;
