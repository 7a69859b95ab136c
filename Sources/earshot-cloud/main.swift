print("earshot-cloud: under construction")
