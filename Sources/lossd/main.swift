print("lossd")
