print("bankfuture-chat")
