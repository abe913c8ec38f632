package backprop.calc;

import static backprop.calc.CalcFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ExplainerTest {
    @Test
    void aScalarChainShowsEveryLocalDerivativeInSymbolsAndNumbers() {
        String text = Explainer.explain(run("input x = 3\nparam w = 2\nu = w * x\ny = sigmoid(u) + log(x)"));
        assertThat(text).contains("dy/dw = dy/du * du/dw" + System.lineSeparator())
                .contains("du/dw = x = 3   (u = w * x)")
                .contains("dy/du = sigmoid(u) * (1 - sigmoid(u)) = sigmoid(6) * (1 - sigmoid(6)) = 0.00246650929136")
                .contains("= 0.00246650929136 * 3 = 0.00739952787408")
                // y uses x directly too: that local derivative must not read like the total
                .contains("dy/dx = dy/du * du/dx + dy/dx (direct)")
                .contains("dy/dx (direct) = 1 / x = 1 / 3 = 0.333333333333");
    }

    @Test
    void sumsOverEveryPathAndSaysWhereTheOutputDoesNotDepend() {
        String text = Explainer.explain(run("input x = 3, z = 1\nh = x\ny = h*x + h"));
        assertThat(text).contains("dy/dx = dy/dh * dh/dx + dy/dx (direct)")
                .contains("dy/dh = x + 1 = 3 + 1 = 4")
                .contains("= 4 * 1 + 3 = 7")
                .contains("dy/dz = 0 (y does not depend on z)");
    }

    @Test
    void manyPathsAreCountedNotWalked() {
        StringBuilder p = new StringBuilder("input x = 1\n");
        String prev = "x";
        for (int i = 0; i < 40; i++) {
            p.append("a").append(i).append(" = ").append(prev).append(" * 1\n");
            p.append("c").append(i).append(" = a").append(i).append(" + ").append(prev).append('\n');
            prev = "c" + i;
        }
        String text = Explainer.explain(run(p + "y = " + prev));
        BigInteger more = BigInteger.TWO.pow(40).subtract(BigInteger.valueOf(Explainer.MAX_PATHS));
        assertThat(text).contains("+ ... (" + more + " more paths)");
    }

    @Test
    void aVectorChainIsDescribedAsVectorJacobianProducts() {
        String text = Explainer.explain(run("input x = [1, 2]\nparam W = [[1, 0], [0, 1]]\nh = W @ x\ny = sum(h)"));
        assertThat(text).contains("dy/dW (shape 2x2) is a vector-Jacobian product")
                .contains("dy/dh (2) = (1 through y = sum(h)) = [1, 1]")
                .contains("dy/dW (2x2) = (dy/dh through h = W @ x) = [[1, 2], [1, 2]]");
    }
}
