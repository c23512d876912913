package io.purchasepipeline.stores;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One place for RocksDB settings. Every store of every task on this instance shares one block
 * cache and one write-buffer budget, so memory stays bounded however many partitions the instance
 * owns (the default gives each store its own cache and memtables, which grows with the task count).
 */
public final class RocksDbTuning implements RocksDBConfigSetter {

    /** Off-heap memory for all stores of this JVM: block cache, with memtables counted in it. */
    public static final long TOTAL_OFF_HEAP_BYTES = 128L * 1024 * 1024;
    /** Memtables of every store, counted in the cache: half of it. */
    private static final long TOTAL_MEMTABLE_BYTES = TOTAL_OFF_HEAP_BYTES / 2;
    /**
     * Each store's memtable. Small on purpose: a memtable reserves memory in blocks of an eighth
     * of its size (at most 1 MB), and an instance owning six partitions has about sixty stores.
     * With RocksDB's 64 MB default those blocks alone were more than the whole budget, so the
     * write-buffer manager flushed a memtable on nearly every write: files of a few kilobytes,
     * compaction threads busy, under half the throughput (RocksDbTuningTest; measured in the README).
     */
    private static final long WRITE_BUFFER_BYTES = 2L * 1024 * 1024;

    private static final long BLOCK_SIZE = 16L * 1024;

    /**
     * Shared by every store on purpose, created once per JVM and never closed per store. A holder,
     * so that nothing native is made before Kafka Streams has loaded RocksDB's library (the config
     * loads this class early, to check it).
     */
    private static final class Shared {
        static final Cache CACHE = new LRUCache(TOTAL_OFF_HEAP_BYTES, -1, false, 0.1);
        static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(TOTAL_MEMTABLE_BYTES, CACHE);
    }

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(Shared.CACHE);
        table.setBlockSize(BLOCK_SIZE);
        // index and filter blocks count against the shared cache instead of growing outside it
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(Shared.WRITE_BUFFERS);
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
    }

    @Override
    public void close(final String storeName, final Options options) {
        // the shared cache and write-buffer manager outlive any one store
    }
}
