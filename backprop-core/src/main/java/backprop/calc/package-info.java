/**
 * The gradient calculator ({@code backprop grad}): a one-statement-per-line language that
 * builds a computational graph, evaluates it on the autograd engine in float64, and reports
 * every named node's value and adjoint, with a chain-rule explanation, a finite-difference
 * check and a Graphviz drawing. The language reference is {@code docs/grad-language.md}.
 *
 * <p>The pipeline: {@link backprop.calc.Lexer} (one line at a time) and
 * {@link backprop.calc.Parser} make a {@link backprop.calc.Program} of
 * {@link backprop.calc.Definition}s over {@link backprop.calc.Expr} trees;
 * {@link backprop.calc.Evaluator} runs it forward and backward into an
 * {@link backprop.calc.Evaluation}; the reports read that: the table, JSON, the explanation
 * (scalar chains through {@code Formula}, the matrix form through {@code Adjoints} and
 * {@code MatrixForm}), the finite-difference check (which names kinks) and the DOT drawing. Every function of the language is one
 * entry of {@link backprop.calc.Builtin}: spelling, arguments, evaluation, shape checks and the
 * derivative {@code --explain} prints. Bad input is a
 * {@link backprop.InputException} with {@code FILE:LINE:COL}; a value or gradient that is not
 * finite is an {@link backprop.calc.UndefinedValueException}.
 *
 * <p>Uses {@code backprop.tensor}, {@code backprop.autograd}, {@code backprop.nn} (the fused
 * losses) and Jackson; nothing in the engine depends on this package.
 */
package backprop.calc;
