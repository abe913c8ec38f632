/**
 * Files, and trained models for applications. {@link backprop.io.SafeTensors} reads and writes
 * named tensors in the public safetensors format that other tools (PyTorch, the Hugging Face
 * libraries) read too; {@link backprop.io.AtomicFiles} writes a file whole or not at all. On
 * them, {@link backprop.io.ModelFile} writes and reads model folders ({@link backprop.io.SavedModel}),
 * and {@link backprop.io.Model} predicts with a loaded one ({@link backprop.io.Prediction}).
 *
 * <p>Rules for everything here: never Java serialization (loading a file must not be able to
 * run code); every size read from a file is checked against the file's real size before
 * anything is allocated; every problem with a file is a {@link backprop.InputException} naming
 * the file, the tensor or field and what was expected, never an {@code OutOfMemoryError} or a
 * raw buffer exception; writes go through {@link backprop.io.AtomicFiles}.
 *
 * <p>Uses {@code backprop.tensor}, {@code backprop} and {@code backprop.internal}, and Jackson
 * for JSON, which no public signature shows. The model file and the model on top of this layer
 * may add {@code backprop.nn}, {@code backprop.data}, {@code backprop.train} (the objective) and
 * {@code backprop.autograd} (to predict without recording); nothing lower than it may use this package.
 */
package backprop.io;
