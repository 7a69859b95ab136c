print("earshot-replay: under construction")
