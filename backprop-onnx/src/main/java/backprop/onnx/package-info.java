/**
 * ONNX in and out: {@link backprop.onnx.OnnxFile} writes a {@link backprop.io.SavedModel} as an
 * ONNX model (standardization, network and output heads in one graph) and reads an ONNX
 * multilayer perceptron (backprop4j's own exports, PyTorch's) back as one. May use backprop's
 * core packages, protobuf-java and the classes generated from {@code onnx.proto}; nothing here
 * knows about the command line.
 */
package backprop.onnx;
