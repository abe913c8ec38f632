package backprop.onnx;

import backprop.InputException;
import backprop.data.Standardizer;
import backprop.io.SavedModel;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.NodeProto;

/**
 * The saved preprocessing as ONNX nodes, both ways: what export writes in front of the network so
 * that the graph takes raw feature rows, and what import recognizes at the start of a graph. The
 * one place a preprocessing step goes (today standardization; one-hot encoding of categorical
 * columns and target scaling when model files record them).
 */
final class Preprocessing {
    private Preprocessing() {}

    /**
     * Appends to {@code g} the nodes that turn the raw rows {@code input} into the network's
     * inputs: {@code Div(Sub(x, means), stds)} for a standardization, as
     * {@link Standardizer#transformInPlace} computes it.
     *
     * @return the name of the value the network reads
     */
    static String export(SavedModel model, GraphBuilder g, String input) {
        String x = input;
        Standardizer s = model.standardizer();
        if (s != null) {
            int d = s.numFeatures();
            x = g.node("Sub", "centered", new String[] {x, g.constant("standardize.means", s.means(), d)});
            x = g.node("Div", "standardized", new String[] {x, g.constant("standardize.stds", s.stds(), d)});
        }
        return x;
    }

    /**
     * The preprocessing at the start of an imported chain, and how many of its nodes it takes.
     *
     * @param standardizer the standardization, or null when there is none
     * @param nodes how many leading nodes of the chain it took
     */
    record Read(Standardizer standardizer, int nodes) {}

    /**
     * Reads the preprocessing {@link #export} writes from the start of {@code chain}, rows of
     * {@code width} values (negative when the graph's input does not say): a {@code Sub} of constant means then a {@code Div} of constant
     * positive stds is a standardization. A {@code Sub} or {@code Div} elsewhere is refused by
     * the importer, which knows no other use for them.
     */
    static Read read(Path file, List<NodeProto> chain, Initializers constants, int width) {
        if (chain.isEmpty() || !chain.get(0).getOpType().equals("Sub")) {
            return new Read(null, 0);
        }
        NodeProto sub = chain.get(0);
        NodeProto div = chain.size() > 1 ? chain.get(1) : null;
        if (div == null || !div.getOpType().equals("Div")) {
            throw InputException.inFile(file, Importer.where(sub) + ": a Sub is read only as the start of a standardization, Sub(x, means) then Div(x, stds); no Div follows it");
        }
        float[] means = constants.vector(sub, 1, width);
        float[] stds = constants.vector(div, 1, means.length);
        for (int j = 0; j < means.length; j++) {
            if (!Float.isFinite(means[j]) || !(stds[j] > 0 && Float.isFinite(stds[j]))) {
                throw InputException.inFile(file, Importer.where(div) + ": standardizes column %d by mean %s and std %s; a standardization needs a finite mean and a finite std > 0"
                        .formatted(j, means[j], stds[j]));
            }
        }
        return new Read(Standardizer.of(means, stds), 2);
    }
}
