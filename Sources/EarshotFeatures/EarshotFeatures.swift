// EarshotFeatures: placeholder until its first real file lands.
enum EarshotFeaturesModule {}
