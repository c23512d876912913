package io.purchasepipeline.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The shared memory budget must hold every store of an instance. One instance with six partitions
 * has about sixty RocksDB stores; when their write buffers together reserve more than the shared
 * budget, RocksDB flushes a memtable on nearly every write, and the tiny files it makes keep its
 * compaction threads busy: more CPU than the stream thread and under half the throughput, in
 * a profile of {@code load}.
 */
class RocksDbTuningTest {

    /** About the stores of one instance owning six partitions of every sub-topology. */
    private static final int STORES = 60;

    @TempDir
    Path dir;

    @Test
    void sixtyStoresWithAFewHundredKilobytesEachStayInMemoryInsteadOfFlushingTinyFiles() throws RocksDBException {
        RocksDB.loadLibrary();
        final RocksDbTuning tuning = new RocksDbTuning();
        final List<Options> options = new ArrayList<>();
        final List<RocksDB> stores = new ArrayList<>();
        try {
            for (int i = 0; i < STORES; i++) {
                final Options storeOptions = new Options().setCreateIfMissing(true);
                storeOptions.setTableFormatConfig(new BlockBasedTableConfig());
                tuning.setConfig("store-" + i, storeOptions, Map.of());
                options.add(storeOptions);
                stores.add(RocksDB.open(storeOptions, dir.resolve("store-" + i).toString()));
            }
            final byte[] value = "v".repeat(200).getBytes(StandardCharsets.UTF_8);
            // 60 x 2,000 x ~210 bytes: about 25 MB, well inside the memtable budget
            for (int n = 0; n < 2_000; n++) {
                for (final RocksDB store : stores) {
                    store.put(("key-" + n).getBytes(StandardCharsets.UTF_8), value);
                }
            }
            long files = 0;
            for (final RocksDB store : stores) {
                files += store.getLiveFilesMetaData().size() + store.getLongProperty("rocksdb.num-immutable-mem-table");
            }
            assertThat(files)
                    .as("memtables flushed or waiting to be flushed, over all stores")
                    .isZero();
        } finally {
            stores.forEach(RocksDB::close);
            for (int i = 0; i < options.size(); i++) {
                tuning.close("store-" + i, options.get(i));
                options.get(i).close();
            }
        }
    }
}
