package backprop.io;

import backprop.data.PreparedData;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.train.Objective;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Everything needed to use a trained network on new rows: the network, what its outputs mean,
 * the columns it reads and how they are preprocessed, and where it came from.
 *
 * @param standardizer the standardization fitted on the training split, or null when inputs are used as they are
 * @param classes the class names, in output order (empty for regression)
 * @param provenance program version, configuration, seed, data source and its SHA-256, final metrics
 */
public record SavedModel(Mlp architecture, Sequential network, Objective objective, Task task,
                         List<String> features, List<String> classes, Standardizer standardizer, ObjectNode provenance) {
    public SavedModel {
        features = List.copyOf(features);
        classes = List.copyOf(classes);
    }

    /** A network trained on {@code data}: its columns, classes and standardization, and the data's provenance. */
    public static SavedModel of(Mlp architecture, Sequential network, Objective objective, PreparedData data) {
        ObjectNode provenance = Json.MAPPER.createObjectNode();
        ObjectNode source = provenance.putObject("data");
        source.put("source", data.source());
        source.put("sha256", data.sha256());
        return new SavedModel(architecture, network, objective, data.train().task(), data.train().featureNames(),
                data.train().classNames(), data.standardizer(), provenance);
    }
}
