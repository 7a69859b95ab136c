print("earshot-edge: under construction")
