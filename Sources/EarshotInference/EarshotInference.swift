// EarshotInference: placeholder until its first real file lands.
enum EarshotInferenceModule {}
