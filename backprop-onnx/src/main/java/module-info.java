/**
 * ONNX export and import for backprop4j: a saved model, preprocessing included, as an ONNX graph
 * that ONNX Runtime and other tools run; and multilayer perceptrons exported from PyTorch as
 * backprop4j models. The classes generated from {@code onnx.proto} (package {@code onnx}) are not
 * API: only {@code backprop.onnx} is exported.
 */
module backprop.onnx {
    requires transitive backprop.core;
    requires com.google.protobuf;
    requires com.fasterxml.jackson.databind;

    exports backprop.onnx;
}
