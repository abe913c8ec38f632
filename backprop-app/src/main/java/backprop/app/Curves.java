package backprop.app;

import backprop.io.AtomicFiles;
import backprop.train.EpochMetrics;
import backprop.train.History;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The learning curves: loss (left axis) and accuracy (right axis) per epoch, on the training rows
 * and on the held-out rows each epoch was scored on (the validation rows when the run has some,
 * else the test rows), as PNG and SVG.
 */
final class Curves {
    private Curves() {}

    static void write(History history, boolean classification, String heldOut, Path png, Path svg) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = chart(history, classification, heldOut);
        AtomicFiles.write(png, out -> out.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
        AtomicFiles.write(svg, out -> out.write(svgBytes(chart)));
    }

    static XYChart chart(History history, boolean classification, String heldOut) {
        List<EpochMetrics> epochs = history.epochs();
        XYChart chart = new XYChartBuilder().width(900).height(500).title("Learning curves")
                .xAxisTitle("epoch").yAxisTitle("loss").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(5);
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        series(chart, "train loss", x, epochs, EpochMetrics::trainLoss, 0);
        series(chart, heldOut + " loss", x, epochs, EpochMetrics::testLoss, 0);
        if (classification) {
            series(chart, "train accuracy", x, epochs, EpochMetrics::trainAccuracy, 1);
            series(chart, heldOut + " accuracy", x, epochs, EpochMetrics::testAccuracy, 1);
            chart.setYAxisGroupTitle(1, "accuracy");
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        return chart;
    }

    private static void series(XYChart chart, String name, double[] x, List<EpochMetrics> epochs,
                               ToDoubleFunction<EpochMetrics> value, int axis) {
        double[] y = epochs.stream().mapToDouble(value).toArray();
        if (java.util.Arrays.stream(y).allMatch(Double::isNaN)) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setYAxisGroup(axis);
    }

    private static byte[] svgBytes(XYChart chart) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, bytes, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return bytes.toByteArray();
    }
}
