package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneHotTest {
    @Test
    void encodesEachLabelAsARow() {
        assertThat(OneHot.encode(new int[] {2, 0}, 3)).containsExactly(0, 0, 1, 1, 0, 0);
    }

    @Test
    void encodeIntoOverwritesAReusedBuffer() {
        float[] buf = {9, 9, 9, 9, 9};
        OneHot.encodeInto(new int[] {1, 0, 1}, 2, 2, buf);
        assertThat(buf).containsExactly(0, 1, 1, 0, 9);
    }
}
