package dev.zooterj.nn.io;

import dev.zooterj.data.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small, backend-neutral file of named float arrays: magic {@code ZJNA1}, a count, then per array its
 * name, rank, shape and little-endian float32 data in C order. Written atomically; a truncated or foreign
 * file is refused with a message naming it.
 */
public final class NamedArrays {
    private static final String MAGIC = "ZJNA1";

    private NamedArrays() {
    }

    public static void write(Path file, Map<String, INDArray> arrays) {
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(arrays.size());
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                INDArray a = e.getValue().castTo(DataType.FLOAT).dup('c');
                out.writeUTF(e.getKey());
                long[] shape = a.shape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                float[] data = a.data().asFloat();
                ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(data);
                out.write(buf.array());
            }
            out.flush();
        });
    }

    public static Map<String, INDArray> read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": not a Zooter-J weights file (no header)");
            }
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException(file + ": not a Zooter-J weights file (header '" + magic + "')");
            }
            int count = in.readInt();
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                long[] shape = new long[rank];
                long n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong();
                    n *= shape[d];
                }
                if (n < 0 || n > Integer.MAX_VALUE / 4) {
                    throw new IllegalArgumentException(file + ": array '" + name + "' has an impossible shape");
                }
                byte[] bytes = new byte[(int) n * 4];
                in.readFully(bytes);
                float[] data = new float[(int) n];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
                out.put(name, Nd4j.create(data, shape, 'c'));
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated weights file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
