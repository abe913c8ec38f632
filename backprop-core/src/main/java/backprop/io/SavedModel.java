package backprop.io;

import backprop.data.Columns;
import backprop.data.PreparedData;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.internal.Checks;
import backprop.nn.Module;
import backprop.train.Objective;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a model folder holds: the network, what its outputs mean, the columns it reads and
 * how they are preprocessed, and where it came from. {@link ModelFile} writes and reads it;
 * {@link Model} wraps it for prediction.
 *
 * <p>The network is the live module (a loaded one is in evaluation mode): training it further
 * changes this record's weights, which is what fine-tuning wants.
 *
 * @param network any module {@link backprop.nn.LayerSpec} describes; a loaded one is a fresh module of the saved layers
 * @param objective what the outputs mean: classes under a classification loss, a value under {@code mse}
 * @param task classification or regression; must fit the objective and the classes (checked when saved and loaded)
 * @param features the input columns by name, in the order the network reads them
 * @param classes the class names, in output order (empty for regression)
 * @param standardizer the standardization fitted on the training split, or null when inputs are used as they are
 * @param provenance program version, configuration, seed, data source and its SHA-256, final metrics: JSON values
 *     ({@link String}, {@link Number}, {@link Boolean}, null, {@link List}, {@link Map} with string keys); never null
 * @param columns how a table's columns become the features (target and id column, categories, fills of missing
 *     numbers), the first preprocessing step; null for a model whose features are numeric columns of the same names
 * @param targetStandardizer for regression, the targets' standardization the network was trained in: its outputs
 *     are standardized values, which a prediction transforms back; null when the outputs are in the target's units
 */
public record SavedModel(Module network, Objective objective, Task task, List<String> features, List<String> classes,
                         Standardizer standardizer, Map<String, Object> provenance, Columns columns,
                         Standardizer targetStandardizer) {
    /**
     * Copies the lists and the top level of the provenance; a null provenance is an empty one.
     * Whether the parts fit one another is checked by {@link ModelFile#save}, not here.
     *
     * @param network the module, kept (not copied); not null
     * @param objective what the outputs mean; not null
     * @param task classification or regression; not null
     * @param features the input columns by name; not null; copied
     * @param classes the class names in output order, empty for regression; not null; copied
     * @param standardizer the fitted standardization, or null for none
     * @param provenance JSON values by name, or null for none; the top level is copied into an
     *     unmodifiable map, nested lists and maps are kept
     * @param columns the column layout, or null for numeric columns named as the features
     * @param targetStandardizer the targets' standardization for regression, or null
     * @throws IllegalArgumentException if the network, objective, task, features or classes are null
     */
    public SavedModel {
        Checks.require(network != null && objective != null && task != null, "SavedModel: network, objective and task must be given");
        Checks.require(features != null && classes != null, "SavedModel: features and classes must be given (classes empty for regression)");
        features = List.copyOf(features);
        classes = List.copyOf(classes);
        provenance = Collections.unmodifiableMap(provenance == null ? new LinkedHashMap<>() : new LinkedHashMap<>(provenance));
        Checks.require(columns == null || columns.featureNames().equals(features),
                "SavedModel: the column layout's features %s are not the model's %s", columns == null ? null : columns.featureNames(), features);
        Checks.require(targetStandardizer == null || (task == Task.REGRESSION && targetStandardizer.numFeatures() == 1),
                "SavedModel: a target standardization is for one regression target");
    }

    /**
     * A model without a column layout or target standardization: its features are numeric
     * columns of those names, its outputs in the target's units.
     *
     * @param network the network
     * @param objective what the outputs mean
     * @param task classification or regression
     * @param features the input columns by name
     * @param classes the class names (empty for regression)
     * @param standardizer the features' standardization, or null
     * @param provenance where the model came from, or null
     */
    public SavedModel(Module network, Objective objective, Task task, List<String> features, List<String> classes,
                      Standardizer standardizer, Map<String, Object> provenance) {
        this(network, objective, task, features, classes, standardizer, provenance, null, null);
    }

    /**
     * A model without preprocessing or provenance, its task read off the objective: classification
     * for every loss but {@code mse}. For a network built by hand:
     * {@code ModelFile.save(dir, SavedModel.of(net, Objective.CROSS_ENTROPY, List.of("a", "b"), List.of("no", "yes")))}.
     *
     * @param network the module, kept (not copied)
     * @param objective the loss it was trained with; not null
     * @param features the input columns by name, one per input of the network; copied
     * @param classes the class names in output order, empty for regression; copied
     * @return a model with a null standardizer and an empty provenance
     * @throws IllegalArgumentException if the network, features or classes are null
     */
    public static SavedModel of(Module network, Objective objective, List<String> features, List<String> classes) {
        Task task = objective.isClassification() ? Task.CLASSIFICATION : Task.REGRESSION;
        return new SavedModel(network, objective, task, features, classes, null, Map.of());
    }

    /**
     * A network trained on {@code data}: its columns, classes and standardization, and the data's
     * source and SHA-256 as provenance.
     *
     * @param network the module, kept (not copied)
     * @param objective the loss it was trained with; not null
     * @param data the prepared data it was trained on: the task, feature and class names come from
     *     its training split
     * @return a model whose provenance is {@code {"data": {"source": ..., "sha256": ...}}}
     */
    public static SavedModel of(Module network, Objective objective, PreparedData data) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("source", data.source());
        source.put("sha256", data.sha256());
        return new SavedModel(network, objective, data.train().task(), data.train().featureNames(),
                data.train().classNames(), data.standardizer(), Map.of("data", source), data.columns(), data.targetStandardizer());
    }

    /**
     * {@return a new record of this model with {@code provenance} instead of its own, the same
     * network included (not a copy)}
     *
     * @param provenance JSON values by name, as the record's component; null for none
     */
    public SavedModel withProvenance(Map<String, Object> provenance) {
        return new SavedModel(network, objective, task, features, classes, standardizer, provenance, columns, targetStandardizer);
    }

    /** {@return the column layout: {@link #columns()}, or numeric columns named as the features when there is none} */
    public Columns layout() {
        return columns != null ? columns : Columns.numeric(features);
    }
}
