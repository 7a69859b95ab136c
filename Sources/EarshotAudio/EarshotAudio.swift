// EarshotAudio: placeholder until its first real file lands.
enum EarshotAudioModule {}
