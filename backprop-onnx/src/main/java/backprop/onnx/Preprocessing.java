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
 * one place a preprocessing step goes: the standardization of the inputs, and the target's
 * standardization undone after the network, so that a regression's value is in the target's
 * units. Categorical and imputed columns are not exported (see {@link #refuseEncodedColumns}).
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
     * Refuses a model whose columns are one-hot encoded or imputed: the graph takes numeric rows,
     * and ONNX's standard operators have no string-to-one-hot step (that needs the ai.onnx.ml
     * domain, which this exporter does not write).
     *
     * @throws IllegalArgumentException naming the first such column
     */
    static void refuseEncodedColumns(SavedModel model) {
        if (model.columns() == null) {
            return;
        }
        for (var c : model.columns().inputs()) {
            if (c.encodes()) {
                throw new IllegalArgumentException(("ONNX export: column '%s' is %s; the exported graph reads numeric rows only "
                        + "(train without --categorical/--impute for a model to export)")
                        .formatted(c.name(), c.fill() != null ? "imputed" : "categorical"));
            }
        }
    }

    /**
     * Appends the step that takes a regression's network output {@code z} back to the target's
     * units, {@code z * std + mean}, when the model standardized its target.
     *
     * @return the name of the value in the target's units
     */
    static String exportTarget(SavedModel model, GraphBuilder g, String z) {
        Standardizer t = model.targetStandardizer();
        if (t == null) {
            return z;
        }
        String scaled = g.node("Mul", "target_scaled", new String[] {z, g.constant("target.std", t.stds(), 1)});
        return g.node("Add", "target_units", new String[] {scaled, g.constant("target.mean", t.means(), 1)});
    }

    /**
     * The target standardization at the end of a chain that {@link #exportTarget} wrote, which
     * the metadata key {@code target_standardized} announces: a Mul by the std then an Add of the
     * mean, both constants of one value.
     *
     * @return the standardization, or null when the metadata does not announce one
     */
    static Standardizer readTarget(Path file, List<NodeProto> chain, Initializers constants, boolean announced) {
        if (!announced) {
            return null;
        }
        int n = chain.size();
        if (n < 2 || !chain.get(n - 2).getOpType().equals("Mul") || !chain.get(n - 1).getOpType().equals("Add")) {
            throw InputException.inFile(file, "metadata 'target_standardized' says the graph ends in Mul(z, std) then Add(z, mean); it does not");
        }
        float[] stds = constants.vector(chain.get(n - 2), 1, 1);
        float[] means = constants.vector(chain.get(n - 1), 1, 1);
        if (!Float.isFinite(means[0]) || !(stds[0] > 0 && Float.isFinite(stds[0]))) {
            throw InputException.inFile(file, Importer.where(chain.get(n - 2)) + ": the target's standardization needs a finite mean and a finite std > 0; got mean %s and std %s"
                    .formatted(means[0], stds[0]));
        }
        return Standardizer.of(means, stds);
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
