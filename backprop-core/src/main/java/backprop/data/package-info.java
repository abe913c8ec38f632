/**
 * Data for training: {@link backprop.data.Dataset} (features as a row-major {@code float[]},
 * integer labels or float targets), the readers that make one ({@link backprop.data.CsvReader},
 * {@link backprop.data.IdxReader}), the built-in sources ({@link backprop.data.DataSources}:
 * digits, iris, xor, spirals, fashion-mnist, mnist), and what happens to data before training:
 * {@link backprop.data.Split}, {@link backprop.data.Standardizer}, {@link backprop.data.Batches},
 * {@link backprop.data.OneHot}.
 *
 * <p>Plain arrays on purpose: this package depends on nothing of ours but {@code backprop}
 * and {@code backprop.internal} (and on FastCSV for parsing), so the trainer decides how rows
 * become tensors. Every problem with a user's file is a {@link backprop.InputException} naming
 * the file, the line or field and what was expected; a caller's programming mistake is an
 * {@link IllegalArgumentException}. Randomness is always passed in, never global.
 */
package backprop.data;
