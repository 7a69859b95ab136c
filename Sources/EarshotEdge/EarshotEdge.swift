// EarshotEdge: placeholder until its first real file lands.
enum EarshotEdgeModule {}
