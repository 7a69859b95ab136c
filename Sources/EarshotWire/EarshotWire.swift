// EarshotWire: placeholder until its first real file lands.
enum EarshotWireModule {}
