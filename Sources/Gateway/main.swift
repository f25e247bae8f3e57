print("callgate: not built yet")
